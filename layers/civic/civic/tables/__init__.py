"""One module per DynamoDB table: its model and its queries. Nothing else knows a table's shape."""
