import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Registered by scripts/services.sh; filterable in the Web UI and `temporal workflow list`. */
export const VENDOR = defineSearchAttributeKey('DifVendor', SearchAttributeType.KEYWORD);
export const CUSTOMER = defineSearchAttributeKey('DifCustomer', SearchAttributeType.KEYWORD);
export const STREAM = defineSearchAttributeKey('DifStream', SearchAttributeType.KEYWORD);
export const WINDOW_START = defineSearchAttributeKey('DifWindowStart', SearchAttributeType.DATETIME);
/** A partitioned stream's run of one partition (an account, a property, a profile). */
export const PARTITION = defineSearchAttributeKey('DifPartition', SearchAttributeType.KEYWORD);
