/**
 * Naming shared by the workflow, the main worker and the clean-room worker, so each side
 * finds the other without configuration beyond the customer's id.
 */

/** The task queue a customer's clean-room worker polls: one per customer, so no other customer's work reaches it. */
export function cleanRoomTaskQueue(customer: string): string {
  return `dif-clean-room-${customer}`;
}

