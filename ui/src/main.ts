import './style.css';
import { App } from './app';

const shell = document.getElementById('app');
if (shell) void new App(shell).start();
