"""Reports ready to sign: the period, the figures from the publication log, and the .docx/.html/.md documents."""
