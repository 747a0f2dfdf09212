# SPDX-License-Identifier: GPL-2.0-only
"""py-hung: never finishes (it waits for work that does not come); run with a short
--timeout, conduct kills it and the record of what it would have done next is incomplete."""
import time

print("waiting for jobs", flush=True)
while True:
    time.sleep(1)
