import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import 'uplot/dist/uPlot.min.css';
import { HeapWidget } from '../../components/heap-widget.js';
import './viz.css';

/** The default theme plus the widgets the guide pages embed. */
const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('HeapWidget', HeapWidget);
  },
};

export default theme;
