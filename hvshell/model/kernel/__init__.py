"""What every domain of the lab uses.

    events.py    LabEvent (Get-LabEvent's object) and EventKind, the kinds
                 of event the lab records
    domain.py    Domain, what a domain declares (reactions to events, timed
                 actions, repair after a reload), and Domains, the ordered
                 list the composition root makes of them
    schedule.py  timed actions kept as data (faults due later, host boots,
                 delayed starts, replica cycles), re-armed after a load
    errors.py    LabError and its helpers (what cmdlets turn into
                 PowerShell errors), LabFileError, LabSaveError,
                 OperationCancelled
    ids.py       Guid, deterministic GUIDs from the lab's seed, MAC ranges
    jobs.py      Job: what -AsJob returns and the Job cmdlets handle
    codec.py     the cattrs converter (what a saved lab holds) and
                 detached_copy
    persist.py   saving and loading a whole lab (atomic JSON), the repairs
                 a reload needs
    labcheck.py  what a saved lab must hold before anything uses it
    labfile.py   the lab file on disk: a cheap look into it, the lock of
                 --lab, the temporary files of killed saves
"""
