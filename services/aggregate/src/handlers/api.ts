// placeholder: being written by the main session
export const handler = async (): Promise<void> => {};
