"""Today's session: a workout planned with targets (progression, warm-ups, plate math),
then filled as its sets are logged (issue 18)."""
