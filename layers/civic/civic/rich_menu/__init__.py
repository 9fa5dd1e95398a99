"""The rich menu: the tiles under the chat, built from the domain registry's menu entries and the agency's choice.

- `menu.py` (pure): which entries, in which order (civic.domains + the agency's configuration), their Thai
  and English labels, the grid, and the LINE rich-menu object with a postback per area.
- `drawing.py` (pure, Pillow): the image at LINE's size, Thai labels with English beside, in Sarabun.
- `publisher.py` (effects): validate → create → upload → set as default → delete the menus it replaced;
  idempotent on a fingerprint of what was drawn. Through civic.line_api only.
- `current.py`: whether a menu is set, for the citizen basics (read from the RichMenus table, cached briefly).
- `deploy.py`: the CloudFormation custom resource (publish on deploy) and direct invocations.
"""
