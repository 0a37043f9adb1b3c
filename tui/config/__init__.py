"""The user's settings: the config file, ``SAGEMON_*`` variables and flags merged (:mod:`.settings`),
one validation rule per option (:mod:`.rules`), and the session log file (:mod:`.session_log`).

No Textual and no boto3 here: the command line imports this before the UI starts.
"""
