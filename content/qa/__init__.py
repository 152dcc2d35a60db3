"""Citizens' questions ("Dân hỏi – Chính quyền trả lời"): rows, the question's life, privacy (anonymiser, erasure) and the public column."""
