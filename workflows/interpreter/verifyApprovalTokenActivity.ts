/** The activity that verifies an approval token for a gate (activities/approvals); registered by plugins/createActivities.ts. */
export const verifyApprovalTokenActivity = 'dbarch.verifyApprovalToken';
