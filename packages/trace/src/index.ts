export const FORMAT = 'PYMTRC01';
