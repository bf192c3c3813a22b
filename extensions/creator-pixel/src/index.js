import {register} from "@shopify/web-pixels-extension";
import {start} from "./pixel.js";

register((api) => start(api));
