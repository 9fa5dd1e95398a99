"""Bills and notices: citizens link their utility accounts in LINE and get each bill, reminder and leak warning;
agencies import billing files at national scale and send notices to the areas and topics concerned.

Pure: csvrows (files, encodings, rows), thaiqr (the Thai QR bill-payment code), rules (leaks, reminders,
link checks, who a notice reaches), cards (what the citizen reads). Effects: desk (the chat), importer,
notify (bill pushes), notices, sweep (reminders), staff, my_data. docs/bills.md.
"""
