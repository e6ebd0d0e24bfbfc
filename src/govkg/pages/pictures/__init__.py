"""The pictures of the graph (timeline, signatory matrix, network, map) as data: what each one shows, read from the
dataset through a `select(query) -> rows` callable, and where each mark goes. Templates draw them as SVG."""
