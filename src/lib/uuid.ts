const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every row id is a uuid; anything else must not reach SQL, where it would be a type error. */
export const isUuid = (value: string) => UUID.test(value);
