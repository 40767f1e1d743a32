/** Database ids in URLs: positive integers without leading zeros. */
export const match = (param: string): boolean => /^[1-9]\d{0,15}$/.test(param);
