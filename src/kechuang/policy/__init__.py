"""National rules as pure Python: no Django import, no I/O, no clock.

Web views, the API, the CLI and batch jobs all call these functions, so a
rule is written once and can be tested and reused alone.
"""
