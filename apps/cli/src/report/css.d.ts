/** CSS files imported by the report's browser entry are bundled as text. */
declare module '*.css' {
  const text: string;
  export default text;
}
