/*!
 * b52-wagtail iframe embeds: the frame's height follows its content.
 * Dependency-free, no build step. See docs/embed.md, section "iframe".
 *
 * On the partner's page, after the iframes:
 *
 *   <iframe data-b52-frame src="https://b52.example/b52/applications/embed/41/"
 *           title="Bewerbungsformular" style="width:100%;border:0"></iframe>
 *   <script src="https://b52.example/static/b52_wagtail/embed-frame.js" defer></script>
 *
 * The same file runs in two roles:
 * - inside an embed (its <html> has data-b52-embed) it posts its height to
 *   the parent window, to the partner's origin when the server named it
 *   (data-b52-parent-origin, only an origin of B52_EMBED_ORIGINS) and else
 *   to any parent, with nothing in the message but the height. After a POST
 *   (data-b52-focus) it moves focus to the error summary or the answer's
 *   heading and asks the parent to scroll the frame into view;
 * - on the partner's page it resizes an iframe[data-b52-frame] when a
 *   message comes from that frame's window and from the frame's origin.
 *
 * Without JavaScript the frames keep their own height (and scroll); the
 * forms work all the same.
 */
(() => {
    "use strict";

    const TYPE = "b52-embed:height";
    const root = document.documentElement;

    function inFrame() {
        try {
            return window.parent !== window;
        } catch (error) {
            return true;
        }
    }

    // Inside the embed ------------------------------------------------------

    function runInFrame() {
        const target = root.getAttribute("data-b52-parent-origin") || "*";
        let lastHeight = 0;

        function height() {
            return Math.ceil(root.getBoundingClientRect().height);
        }

        function send(focus) {
            const current = height();
            if (!focus && current === lastHeight) return;
            lastHeight = current;
            window.parent.postMessage({ type: TYPE, height: current, focus: Boolean(focus) }, target);
        }

        // Links leave the frame (the site's pages are not framable); links
        // to a place in the frame itself (error summary) stay.
        for (const link of document.querySelectorAll("a[href]")) {
            if (link.hasAttribute("target") || link.getAttribute("href").startsWith("#")) continue;
            link.setAttribute("target", "_top");
        }

        function moveFocus() {
            const element =
                document.getElementById("b52-error-summary") || document.querySelector("main h1");
            if (!element) return;
            if (!element.hasAttribute("tabindex")) element.setAttribute("tabindex", "-1");
            element.focus({ preventScroll: true });
        }

        const answer = root.hasAttribute("data-b52-focus");
        if (answer) moveFocus();
        send(answer);
        if ("ResizeObserver" in window) {
            new ResizeObserver(() => send(false)).observe(root);
        } else {
            window.addEventListener("resize", () => send(false));
        }
        window.addEventListener("load", () => send(false));
    }

    // On the partner's page --------------------------------------------------

    function frameOrigin(frame) {
        try {
            return new URL(frame.src, window.location.href).origin;
        } catch (error) {
            return null;
        }
    }

    function runOnPartnerPage() {
        window.addEventListener("message", (event) => {
            const data = event.data;
            if (!data || data.type !== TYPE) return;
            const height = Number(data.height);
            if (!Number.isFinite(height) || height <= 0) return;
            for (const frame of document.querySelectorAll("iframe[data-b52-frame]")) {
                if (frame.contentWindow !== event.source) continue;
                // Only the frame's own document may resize it.
                if (event.origin !== frameOrigin(frame)) return;
                frame.style.height = `${Math.min(height, 100000)}px`;
                frame.setAttribute("scrolling", "no");
                if (data.focus) frame.scrollIntoView({ block: "start" });
                return;
            }
        });
    }

    if (root.hasAttribute("data-b52-embed")) {
        if (inFrame()) runInFrame();
    } else {
        runOnPartnerPage();
    }
})();
