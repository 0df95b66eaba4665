"""Model modules. Nothing is imported here: each router imports the model module it needs,
so which module declares a table first depends on the order the routers are loaded in."""
