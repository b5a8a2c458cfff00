"""Reading a landing folder (raw_contract.md) into the working warehouse."""
