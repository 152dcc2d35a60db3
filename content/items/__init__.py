"""Content items: what staff write, and the states an item goes through from draft to published."""
