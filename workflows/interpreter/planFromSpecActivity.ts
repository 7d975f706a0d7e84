/** The activity that turns a spec reference (UI start) into a plan; registered by activities/builtin. */
export const planFromSpecActivity = 'dbarch.planFromSpec';
