-- A customer's use of one vendor can be clean-room while its others are not: NULL follows
-- the customer's own customers.clean_room, TRUE or FALSE decides for this vendor.
ALTER TABLE customer_vendors ADD COLUMN clean_room BOOLEAN NULL DEFAULT NULL AFTER enabled;
