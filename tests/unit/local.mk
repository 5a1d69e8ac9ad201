# C unit tests; each prints TAP.
