"""Official sanctions lists as watchlists: import, snapshots, name variants."""
