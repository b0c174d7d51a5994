"""API tokens: issued from a person's account page or ``osr token``, checked on each API call."""
