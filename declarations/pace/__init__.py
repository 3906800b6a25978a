"""Published declarations as PACE prints them: reading the text (parsing), recognising the
people it names (matching), and saving it (importing)."""
