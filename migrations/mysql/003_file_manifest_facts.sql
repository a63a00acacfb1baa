-- What a file's rows may read as `parent` besides its path: its name as the source listed it
-- and the source's own facts (an e-mail's subject, sender and message id), so a re-run that
-- reads a stored copy fills those columns exactly as the run that downloaded it.
ALTER TABLE file_manifest ADD COLUMN facts JSON NULL AFTER file_date;
