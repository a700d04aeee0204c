"""The hub's views across levels: national, regional, municipal, neighbourhood, one community."""
