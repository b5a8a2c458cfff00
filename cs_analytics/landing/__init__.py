"""Reading a landing folder (docs/landing_contract.md) into the working warehouse."""
