"""One module per DynamoDB table: its model and its queries. Nothing else knows a table's shape.

Each module declares `TABLE` (its logical id in template.yaml) and `OWNER`, whom its items belong to:
- "agency": every item carries `agency_id`, and every partition key it is found under (the table's and
  each index's) begins with that agency (`<agency>#…`), or is the citizen's own user id for the
  citizen's own views. A route, schedule or index that finds agency records by a bare id cannot exist.
- "citizen": keyed by the citizen's LINE user id; exported and erased with them.
- "deployment": neither (event ids, counters of the whole deployment).
Table modules import no domain package (tests/contract checks both rules).
"""

# Tables of the template that no module here models, and why.
UNMODELLED = {"IdempotencyTable": "Powertools idempotency records: hashed event ids and the purposes sent"}
