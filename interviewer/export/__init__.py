"""Exports (Word, Excel, bundles): Qt-free functions taking domain data and an options object."""
