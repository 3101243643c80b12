"""The training history: every performed exercise (a workout log) and its sets.

Only the tables and their vocabulary live here, below everything that reads them (recovery,
stats, recommendations, transfer). Writing a log lives above them in ``gravl.logs``, because
each write also folds the new sets into the recovery state and answers with it.
"""
