/** The activity that turns a spec reference (UI start) into a plan; registered by plugins/createActivities.ts. */
export const planFromSpecActivity = 'dbarch.planFromSpec';
