// plotly.js (cartesian bundle) as one ES module. Not a widget: the kernel sends this file
// once per page to the views that need it (see lib/plotly.js).
export { default } from "plotly.js-cartesian-dist-min";
