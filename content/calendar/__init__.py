"""The content calendar: which theme goes out on which channel on which working day (holidays, working days), stored and exported."""
