/** The version marker this compiler understands (`apiVersion: dbarch/v1`); optional in a spec, checked when present. */
export const specApiVersion = 'dbarch/v1';
