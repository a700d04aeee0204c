// The query editor: Tab indents, Ctrl/Cmd+Enter runs. Everything else works without this.
document.addEventListener("DOMContentLoaded", () => {
  const editor = document.getElementById("query");
  const form = document.getElementById("query-form");
  if (!editor || !form) return;
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      const start = editor.selectionStart;
      editor.setRangeText("  ", start, editor.selectionEnd, "end");
    }
  });
  // An empty "Zoals op" date means today's data: leave it out, so the address to share stays short.
  form.addEventListener("formdata", (event) => {
    if (!event.formData.get("asOf")) event.formData.delete("asOf");
  });
});
