"""Every change the health app makes: publishing models, writing snapshots, the manager's
decisions on the computed band (one module each)."""
