"""Commission payouts (README "Payouts (commission ledger)"): the return window, the per-order commission in
cents, payout runs with a statement per creator, the ledger to date and the CSV exports."""
