"""Migrations: live, storage, shared-nothing and quick.

    mapping.py  move requests and the lab's objects mapped onto the sim
                core's specs
    rules.py    the rules a move must meet, each with what is wrong and the
                fix (Compare-VM's incompatibilities)
    records.py  MigrationRecord (Get-LabMigration's object), its passes and
                states, MigrationForecast (Measure-LabMigration's object)
    service.py  Mobility, the lab's migration service on its clock: a move
                runs, and its VM really moves or stays; the mobility domain
                (running migrations feel lab faults)
"""
