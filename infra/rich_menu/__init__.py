"""The rich menu from a terminal: `python -m infra.rich_menu` (preview offline, publish on AWS)."""
