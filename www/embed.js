// Kafka Playground embed loader: defines <kafka-playground>, which shows the playground in an
// iframe of `index.html?embed=1&…` beside this script (or at the element's `src`).
//
//   <script src="https://example.org/playground/embed.js" defer></script>
//   <kafka-playground scenario="…" view="cluster,terminal" height="600"></kafka-playground>
//
// Attributes (the embed's URL parameters, see docs/ARCHITECTURE.md "Embed mode"): scenario,
// lesson, view, autoplay, speed, height, theme, lang, persist, origin; plus src (the
// playground's page). `height` sizes the iframe (px, default 600).
//
// API: element.run(line) → Promise of the embed's {type:'kplay:output', …} answer (sent once
// the embed is ready; runs asked for earlier wait); events
// 'kplay-ready', 'kplay-state' and 'kplay-output' (detail: the message). Only messages whose
// source is this element's own iframe and whose origin is the playground's are taken.
(() => {
  'use strict';
  if (window.customElements === undefined || customElements.get('kafka-playground')) return;
  // document.currentScript exists only while this script first runs: keep its URL now.
  const scriptUrl = document.currentScript ? document.currentScript.src : location.href;
  const PARAMS = ['scenario', 'lesson', 'view', 'autoplay', 'speed', 'height', 'theme', 'lang', 'persist', 'origin'];
  const DEFAULT_HEIGHT = 600;

  class KafkaPlayground extends HTMLElement {
    static get observedAttributes() {
      return PARAMS.concat(['src']);
    }

    constructor() {
      super();
      this._frame = null;
      this._origin = null;
      this._nextId = 1;
      this._waiting = new Map();
      // Runs asked for before the embed said ready: a message sent while the iframe still
      // shows another document is dropped by the browser, so they wait for 'kplay:ready'.
      this._unsent = [];
      this._isReady = false;
      this._onMessage = (event) => this._receive(event);
    }

    connectedCallback() {
      window.addEventListener('message', this._onMessage);
      this._render();
    }

    disconnectedCallback() {
      window.removeEventListener('message', this._onMessage);
      for (const { reject } of this._waiting.values()) reject(new Error('the embed was removed'));
      this._waiting.clear();
    }

    attributeChangedCallback() {
      if (this.isConnected) this._render();
    }

    /** The embed's URL for the current attributes. */
    get url() {
      const page = new URL(this.getAttribute('src') || 'index.html', scriptUrl);
      page.search = '';
      page.hash = '';
      page.searchParams.set('embed', '1');
      for (const name of PARAMS) {
        const value = this.getAttribute(name);
        if (value !== null && name !== 'origin') page.searchParams.set(name, value);
      }
      // The embed answers this page's origin (unless told another one).
      page.searchParams.set('origin', this.getAttribute('origin') || location.origin);
      return page;
    }

    _render() {
      const url = this.url;
      const height = Number.parseInt(this.getAttribute('height') || '', 10);
      const px = Number.isFinite(height) && height >= 120 && height <= 4000 ? height : DEFAULT_HEIGHT;
      if (!this._frame) {
        this._frame = document.createElement('iframe');
        this._frame.title = this.getAttribute('title') || 'Kafka Playground';
        this._frame.style.border = '0';
        this._frame.style.width = '100%';
        this._frame.style.display = 'block';
        this._frame.setAttribute('loading', 'lazy');
        this.appendChild(this._frame);
      }
      this._frame.style.height = `${px}px`;
      this._origin = url.origin;
      if (this._frame.src !== url.href) {
        this._isReady = false;
        this._frame.src = url.href;
      }
    }

    /** Runs a command-language line in the embed; resolves with its output message. */
    run(line) {
      const id = `kp-${this._nextId++}`;
      return new Promise((resolve, reject) => {
        if (!this._frame || !this._frame.contentWindow) {
          reject(new Error('the embed is not shown'));
          return;
        }
        this._waiting.set(id, { resolve, reject });
        const message = { type: 'kplay:run', id, line: String(line) };
        if (this._isReady) this._send(message);
        else this._unsent.push(message);
      });
    }

    _send(message) {
      this._frame.contentWindow.postMessage(message, this._origin);
    }

    _receive(event) {
      // Only this element's own iframe, from the playground's origin.
      if (!this._frame || event.source !== this._frame.contentWindow || event.origin !== this._origin) return;
      const data = event.data;
      if (data === null || typeof data !== 'object' || typeof data.type !== 'string') return;
      const name = { 'kplay:ready': 'kplay-ready', 'kplay:state': 'kplay-state', 'kplay:output': 'kplay-output' }[data.type];
      if (name === undefined) return;
      if (data.type === 'kplay:ready') {
        this.ready = data;
        this._isReady = true;
        for (const message of this._unsent.splice(0)) this._send(message);
      }
      if (data.type === 'kplay:state') this.state = data;
      if (data.type === 'kplay:output' && this._waiting.has(data.id)) {
        this._waiting.get(data.id).resolve(data);
        this._waiting.delete(data.id);
      }
      this.dispatchEvent(new CustomEvent(name, { detail: data }));
    }
  }

  customElements.define('kafka-playground', KafkaPlayground);
})();
