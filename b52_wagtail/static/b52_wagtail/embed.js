/*!
 * b52-wagtail script embed: renders an application form from the JSON form
 * API (/b52/api/forms/<id>/) into any web page. Dependency-free, ES2017, no
 * build step. See docs/embed.md, section "Script".
 *
 *   <script src="https://b52.example/static/b52_wagtail/embed.js"
 *           data-b52-form="https://b52.example/b52/api/forms/41/" defer></script>
 *
 * Optional attributes on the script tag:
 *   data-b52-target="some-id"   render into the element with this id
 *                               (default: right after the script tag)
 *   data-b52-heading-level="2"  level of the form's title heading (1-5)
 *   data-b52-lang="en"          ask the API for this language (?lang=)
 *   data-b52-css="none"         do not load embed.css next to the script
 *
 * or, as a custom element (light DOM, so the page's CSS applies; the same
 * options as attributes heading-level and data-b52-lang):
 *   <b52-application-form src="https://b52.example/b52/api/forms/41/"></b52-application-form>
 *
 * Every text from the API is inserted as text (createElement/textContent);
 * the only HTML from the API, the intro, is rebuilt from an allowlist of
 * elements (p, lists, emphasis, line breaks, http(s)/mailto links) and
 * nothing else of it is kept.
 */
(() => {
    "use strict";

    // Texts of the script itself, in the words of the HTML form (the
    // package's German catalogue). An API answer with a "texts" object
    // overrides them key by key.
    const TEXTS = {
        de: {
            loading: "Das Formular wird geladen …",
            load_failed: "Das Formular konnte nicht geladen werden. Bitte laden Sie die Seite später erneut.",
            required_note: "Mit * gekennzeichnete Felder sind Pflichtfelder.",
            please_choose: "Bitte auswählen",
            submit: "Bewerbung absenden",
            sending: "Wird gesendet …",
            progress: "Gesendet: {percent} %",
            processing: "Die Dateien sind übertragen. Ihre Bewerbung wird geprüft …",
            error_prefix: "Fehler:",
            errors_title: "Ihre Bewerbung wurde noch nicht gesendet. Bitte prüfen Sie diese Angaben:",
            failure_title: "Ihre Bewerbung ist nicht angekommen",
            network_title: "Die Verbindung ist unterbrochen",
            unknown_title: "Ihre Bewerbung ist möglicherweise nicht angekommen",
            network:
                "Die Verbindung zum Server ist abgebrochen. Möglicherweise ist Ihre Bewerbung nicht angekommen. " +
                "Ihre Angaben und Dateien sind noch im Formular: Bitte senden Sie es erneut. " +
                "Ihre Bewerbung wird dabei nicht doppelt gespeichert.",
            retry_after: "Bitte warten Sie {seconds} Sekunden, bevor Sie das Formular erneut senden.",
            // An answer that is not the server's JSON (e.g. from a proxy):
            // whether the application arrived is unknown.
            failed:
                "Wegen einer technischen Störung ist Ihre Bewerbung möglicherweise nicht angekommen. " +
                "Ihre Angaben und Dateien sind noch im Formular: Bitte senden Sie es in einigen Minuten erneut. " +
                "Ihre Bewerbung wird dabei nicht doppelt gespeichert.",
            too_large: "Das Formular ist zu groß, um gesendet zu werden. Es wurde nichts gespeichert.",
            forbidden: "Dieses Formular kann von dieser Seite aus nicht gesendet werden. Es wurde nichts gespeichert.",
            privacy_link: "Datenschutzerklärung (öffnet in einem neuen Fenster)",
            thanks_title: "Vielen Dank für Ihre Bewerbung",
            receipt_label: "Ihre Eingangsnummer",
            received_on: "Eingegangen am {time}.",
            confirmation:
                "Eine Bestätigung mit dieser Nummer geht an {email}. Bitte geben Sie die Nummer an, wenn Sie sich an uns wenden.",
            received: "Ihre Bewerbung ist eingegangen.",
            deadline: "Bewerbungsschluss: {deadline}",
            datetime: "{date}, {time} Uhr",
        },
        en: {
            loading: "Loading the form …",
            load_failed: "The form could not be loaded. Please reload the page later.",
            required_note: "Fields marked with * are required.",
            please_choose: "Please choose",
            submit: "Submit application",
            sending: "Sending …",
            progress: "Sent: {percent} %",
            processing: "The files have been transferred. Your application is being checked …",
            error_prefix: "Error:",
            errors_title: "Your application has not been sent yet. Please check these entries:",
            failure_title: "Your application has not arrived",
            network_title: "The connection was interrupted",
            unknown_title: "Your application may not have arrived",
            network:
                "The connection to the server was lost. Your application may not have arrived. " +
                "Your entries and files are still in the form: please send it again. " +
                "Your application will not be stored twice.",
            retry_after: "Please wait {seconds} seconds before you send the form again.",
            failed:
                "Because of a technical fault your application may not have arrived. " +
                "Your entries and files are still in the form: please send it again in a few minutes. " +
                "Your application will not be stored twice.",
            too_large: "The form is too large to be sent. Nothing was stored.",
            forbidden: "This form cannot be sent from this page. Nothing was stored.",
            privacy_link: "Privacy notice (opens in a new window)",
            thanks_title: "Thank you for your application",
            receipt_label: "Your receipt number",
            received_on: "Received on {time}.",
            confirmation:
                "A confirmation with this number is being sent to {email}. Please quote the number if you contact us.",
            received: "Your application has been received.",
            deadline: "Deadline: {deadline}",
            datetime: "{date}, {time}",
        },
    };
    const AUTOCOMPLETE = { applicant_name: "organization", contact_name: "name", email: "email", phone: "tel" };
    const INTRO_ELEMENTS = new Set(["P", "UL", "OL", "LI", "STRONG", "B", "EM", "I", "BR", "A", "H2", "H3", "H4"]);
    let instances = 0;

    // Helpers -------------------------------------------------------------

    function el(tag, attributes, ...children) {
        const element = document.createElement(tag);
        for (const [name, value] of Object.entries(attributes || {})) {
            if (value === null || value === undefined || value === false) continue;
            if (name === "className") element.className = value;
            else element.setAttribute(name, value === true ? "" : String(value));
        }
        for (const child of children) {
            if (child === null || child === undefined || child === false) continue;
            element.append(typeof child === "string" ? document.createTextNode(child) : child);
        }
        return element;
    }

    function fill(template, values) {
        return template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
    }

    function withLang(url, lang) {
        if (!lang) return url;
        const parsed = new URL(url, document.baseURI);
        parsed.searchParams.set("lang", lang);
        return parsed.href;
    }

    /** ``href`` as an absolute http(s) or mailto URL, else null. */
    function safeUrl(href) {
        try {
            const url = new URL(String(href || ""), document.baseURI);
            return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : null;
        } catch (error) {
            return null;
        }
    }

    /** The intro's HTML rebuilt from an allowlist: text, p, lists,
     * emphasis, line breaks and http(s)/mailto links; everything else is
     * dropped (its text kept). The HTML is parsed in an inert document. */
    function safeIntro(html) {
        const source = new DOMParser().parseFromString(String(html || ""), "text/html").body;
        const copy = (node, parent) => {
            for (const child of node.childNodes) {
                if (child.nodeType === Node.TEXT_NODE) {
                    parent.append(document.createTextNode(child.textContent));
                } else if (child.nodeType === Node.ELEMENT_NODE) {
                    if (child.tagName === "SCRIPT" || child.tagName === "STYLE" || child.tagName === "TEMPLATE")
                        continue;
                    if (!INTRO_ELEMENTS.has(child.tagName)) {
                        copy(child, parent);
                        continue;
                    }
                    // Headings of the intro become paragraphs: the embed
                    // cannot know the partner page's heading structure.
                    const tag = /^H\d$/.test(child.tagName) ? "p" : child.tagName.toLowerCase();
                    const target = document.createElement(tag);
                    if (tag === "a") {
                        const href = safeUrl(child.getAttribute("href"));
                        if (!href) {
                            copy(child, parent);
                            continue;
                        }
                        target.setAttribute("href", href);
                    }
                    copy(child, target);
                    parent.append(target);
                }
            }
        };
        const fragment = document.createDocumentFragment();
        copy(source, fragment);
        return fragment;
    }

    // The form ------------------------------------------------------------

    class EmbeddedForm {
        constructor(container, url, options) {
            this.container = container;
            this.url = url;
            this.options = options;
            this.prefix = `b52-${++instances}-`;
            this.sending = false;
            this.fieldsByName = new Map();
            this.texts = TEXTS[options.lang] || TEXTS.de;
        }

        t(key, values) {
            return fill(this.texts[key] || TEXTS.de[key], values || {});
        }

        id(name) {
            return this.prefix + name;
        }

        async load() {
            this.container.classList.add("b52-embed");
            this.container.setAttribute("aria-busy", "true");
            const status = el("p", { className: "b52-embed__loading", role: "status" }, this.t("loading"));
            this.container.replaceChildren(status);
            let data;
            try {
                const response = await fetch(withLang(this.url, this.options.lang), {
                    credentials: "omit",
                    headers: { Accept: "application/json" },
                });
                if (!response.ok) throw new Error(`HTTP ${response.status}`);
                data = await response.json();
            } catch (error) {
                this.container.removeAttribute("aria-busy");
                status.textContent = this.t("load_failed");
                status.className = "b52-embed__loading b52-embed__loading--failed";
                return;
            }
            this.data = data;
            const language = String(data.language || "de").slice(0, 2);
            const serverTexts = Object.entries(data.texts || {}).filter(([, text]) => typeof text === "string");
            this.texts = Object.assign({}, TEXTS[language] || TEXTS.de, Object.fromEntries(serverTexts));
            this.container.setAttribute("lang", language);
            this.container.removeAttribute("aria-busy");
            this.render();
        }

        formatDateTime(iso) {
            const date = new Date(iso);
            if (Number.isNaN(date.getTime())) return String(iso);
            const locale = this.container.getAttribute("lang") === "en" ? "en-GB" : "de-DE";
            const format = (options) => {
                try {
                    return new Intl.DateTimeFormat(locale, { ...options, timeZone: this.data.time_zone }).format(date);
                } catch (error) {
                    return new Intl.DateTimeFormat(locale, options).format(date); // unknown time zone
                }
            };
            const day = format({ day: "numeric", month: "long", year: "numeric" });
            const time = format({ hour: "2-digit", minute: "2-digit", hour12: false });
            return this.t("datetime", { date: day, time });
        }

        render() {
            const data = this.data;
            const level = Math.min(Math.max(parseInt(this.options.headingLevel, 10) || 2, 1), 5);
            this.level = level;
            const parts = [];
            this.titleId = this.id("title");
            parts.push(el(`h${level}`, { className: "b52-embed__title", id: this.titleId }, String(data.title || "")));
            if (data.deadline) {
                parts.push(
                    el(
                        "p",
                        { className: "b52-embed__meta" },
                        this.t("deadline", { deadline: this.formatDateTime(data.deadline) }),
                    ),
                );
            }
            this.summarySlot = el("div", { className: "b52-embed__summary-slot" });
            parts.push(this.summarySlot);
            if (data.intro) {
                const intro = el("div", { className: "b52-embed__intro" });
                intro.append(safeIntro(data.intro));
                parts.push(intro);
            }
            if (!data.accepts_applications) {
                parts.push(
                    el(
                        "div",
                        { className: "b52-embed__closed", role: "status" },
                        el("p", {}, String(data.closed_message || "")),
                    ),
                );
                this.container.replaceChildren(...parts);
                return;
            }
            this.form = this.renderForm();
            parts.push(this.form);
            this.container.replaceChildren(...parts);
        }

        renderForm() {
            const data = this.data;
            const form = el("form", {
                className: "b52-embed__form",
                novalidate: true,
                "aria-labelledby": this.titleId,
            });
            form.append(el("p", { className: "b52-embed__required-note" }, this.t("required_note")));
            for (const [name, value] of Object.entries(data.hidden_fields || {})) {
                form.append(el("input", { type: "hidden", name, value: String(value) }));
            }
            for (const field of data.fields || []) {
                form.append(this.renderField(field));
            }
            if (data.honeypot_field) {
                // Hidden from people and assistive technology by markup
                // alone, as in the HTML form: the hidden attribute, an
                // inline display:none !important (set through the CSSOM,
                // which a page's Content-Security-Policy does not block),
                // never focusable.
                const honeypotId = this.id(data.honeypot_field.name);
                const trap = el(
                    "div",
                    { className: "b52-embed__hp", hidden: true, "aria-hidden": "true" },
                    el("label", { for: honeypotId }, String(data.honeypot_field.label || "")),
                    el("input", {
                        type: "text",
                        name: data.honeypot_field.name,
                        id: honeypotId,
                        autocomplete: "off",
                        tabindex: "-1",
                    }),
                );
                trap.style.setProperty("display", "none", "important");
                form.append(trap);
            }
            const progressId = this.id("progress");
            this.progressBox = el(
                "div",
                { className: "b52-embed__progress", hidden: true },
                el("label", { for: progressId, className: "b52-embed__progress-label" }, this.t("sending")),
                el("progress", { id: progressId, max: "100", value: "0" }),
            );
            this.progress = this.progressBox.querySelector("progress");
            // Announced politely, in steps of a quarter, not on every event.
            this.live = el("p", { className: "b52-embed__live", role: "status", "aria-live": "polite" });
            this.button = el(
                "button",
                { type: "submit", className: "b52-embed__button", id: this.id("submit") },
                this.t("submit"),
            );
            form.append(this.progressBox, this.live, el("p", { className: "b52-embed__actions" }, this.button));
            form.addEventListener("submit", (event) => {
                event.preventDefault();
                this.submit();
            });
            return form;
        }

        renderField(field) {
            const name = String(field.name);
            const id = this.id(name);
            const helpId = field.help_text ? `${id}_help` : null;
            const errorId = `${id}_error`;
            const widget = String(field.widget || "");
            const type = String(field.type || "text");
            const wrapper = el("div", { className: `b52-embed__field b52-embed__field--${widget || type}` });
            const record = {
                field,
                id,
                helpId,
                errorId,
                wrapper,
                controls: [],
                describedTarget: null,
                focusTarget: null,
            };
            this.fieldsByName.set(name, record);
            const requiredMarker = () =>
                field.required
                    ? [" ", el("span", { className: "b52-embed__required", "aria-hidden": "true" }, "*")]
                    : [];
            const help = helpId ? el("p", { className: "b52-embed__help", id: helpId }, String(field.help_text)) : null;

            if (type === "hidden") {
                // No label, no messages: its errors go to the summary only.
                this.fieldsByName.delete(name);
                const input = el("input", {
                    type: "hidden",
                    name,
                    id,
                    value: field.initial != null ? String(field.initial) : "",
                });
                return input;
            }

            const isGroup =
                Array.isArray(field.choices) &&
                (type === "radio" || (type === "checkbox" && field.multiple) || /radio|checkboxselect/.test(widget));
            if (isGroup) {
                const inputType = type === "radio" || /radio/.test(widget) ? "radio" : "checkbox";
                const fieldset = el("fieldset", { className: "b52-embed__set" });
                fieldset.append(
                    el("legend", { className: "b52-embed__label" }, String(field.label || ""), ...requiredMarker()),
                );
                if (help) fieldset.append(help);
                record.errorParent = fieldset;
                const list = el("div", { className: "b52-embed__choices" });
                field.choices.forEach((choice, index) => {
                    const optionId = `${id}_${index}`;
                    const input = el("input", { type: inputType, name, id: optionId, value: String(choice.value) });
                    if (field.initial != null && [].concat(field.initial).map(String).includes(String(choice.value)))
                        input.checked = true;
                    record.controls.push(input);
                    list.append(
                        el(
                            "div",
                            { className: "b52-embed__choice" },
                            input,
                            el("label", { for: optionId }, String(choice.label)),
                        ),
                    );
                });
                fieldset.append(list);
                record.errorBefore = list;
                record.describedTarget = fieldset;
                record.focusTarget = record.controls[0];
                record.anchorId = record.controls.length ? record.controls[0].id : id;
                wrapper.append(fieldset);
                this.describe(record, false);
                return wrapper;
            }

            let control;
            if (type === "select" || widget === "select" || widget === "selectmultiple") {
                control = el("select", { name, id, multiple: !!field.multiple, required: !!field.required });
                if (!field.multiple) control.append(el("option", { value: "" }, this.t("please_choose")));
                for (const choice of field.choices || []) {
                    const option = el("option", { value: String(choice.value) }, String(choice.label));
                    if (field.initial != null && [].concat(field.initial).map(String).includes(String(choice.value)))
                        option.selected = true;
                    control.append(option);
                }
            } else if (type === "textarea" || widget === "textarea") {
                control = el("textarea", {
                    name,
                    id,
                    rows: "8",
                    maxlength: field.max_length || null,
                    required: !!field.required,
                });
                if (field.initial != null) control.value = String(field.initial);
            } else if (type === "file") {
                const accept = (this.data.upload_limits && this.data.upload_limits.accept) || [];
                control = el("input", {
                    type: "file",
                    name,
                    id,
                    multiple: !!field.multiple,
                    accept: accept.join(",") || null,
                    required: !!field.required,
                });
            } else if (type === "checkbox") {
                control = el("input", { type: "checkbox", name, id, required: !!field.required });
                if (field.initial === true) control.checked = true;
            } else {
                const inputType = ["email", "url", "number", "tel", "date", "datetime-local", "password"].includes(type)
                    ? type
                    : "text";
                control = el("input", {
                    type: inputType,
                    name,
                    id,
                    maxlength: field.max_length || null,
                    required: !!field.required,
                    autocomplete: AUTOCOMPLETE[name] || null,
                    step: inputType === "number" ? "any" : null,
                });
                if (field.initial != null) control.value = String(field.initial);
            }
            record.controls.push(control);
            record.describedTarget = control;
            record.focusTarget = control;
            record.anchorId = id;
            const label = el(
                "label",
                { className: "b52-embed__label", for: id },
                String(field.label || ""),
                ...requiredMarker(),
            );
            if (type === "checkbox") {
                if (help) wrapper.append(help);
                record.errorParent = wrapper;
                const row = el("div", { className: "b52-embed__checkbox" }, control, label);
                wrapper.append(row);
                record.errorBefore = row;
                const privacyUrl = name === "consent" ? safeUrl(this.data.privacy_policy_url) : null;
                if (privacyUrl) {
                    // A new window: the entries of the form are not lost.
                    wrapper.append(
                        el(
                            "p",
                            { className: "b52-embed__privacy" },
                            el("a", { href: privacyUrl, target: "_blank", rel: "noopener" }, this.t("privacy_link")),
                        ),
                    );
                }
            } else {
                wrapper.append(label);
                if (help) wrapper.append(help);
                record.errorParent = wrapper;
                wrapper.append(control);
                record.errorBefore = control;
            }
            this.describe(record, false);
            return wrapper;
        }

        describe(record, invalid) {
            const ids = [];
            if (record.helpId) ids.push(record.helpId);
            if (invalid) ids.push(record.errorId);
            const target = record.describedTarget;
            if (ids.length) target.setAttribute("aria-describedby", ids.join(" "));
            else target.removeAttribute("aria-describedby");
            for (const control of record.controls) {
                if (invalid) control.setAttribute("aria-invalid", "true");
                else control.removeAttribute("aria-invalid");
            }
            record.wrapper.classList.toggle("b52-embed__field--error", invalid);
        }

        clearErrors() {
            this.summarySlot.replaceChildren();
            for (const record of this.fieldsByName.values()) {
                if (record.errorElement) record.errorElement.remove();
                record.errorElement = null;
                if (record.describedTarget) this.describe(record, false);
            }
        }

        showFieldErrors(errors, nonFieldErrors) {
            const items = [];
            for (const message of nonFieldErrors || []) items.push({ message: String(message) });
            for (const [name, record] of this.fieldsByName) {
                const messages = Object.prototype.hasOwnProperty.call(errors, name) ? [].concat(errors[name]) : [];
                if (!messages.length || !record.describedTarget) continue;
                const box = el("div", { className: "b52-embed__error", id: record.errorId });
                for (const message of messages) {
                    box.append(
                        el(
                            "p",
                            {},
                            el("span", { className: "b52-embed__visually-hidden" }, `${this.t("error_prefix")} `),
                            String(message),
                        ),
                    );
                    items.push({ message: String(message), label: String(record.field.label || ""), record });
                }
                record.errorParent.insertBefore(box, record.errorBefore);
                record.errorElement = box;
                this.describe(record, true);
            }
            // Errors of fields the form does not show (e.g. the token).
            for (const [name, messages] of Object.entries(errors)) {
                if (this.fieldsByName.has(name)) continue;
                for (const message of [].concat(messages || [])) items.push({ message: String(message) });
            }
            const list = el("ul", { className: "b52-embed__summary-list" });
            for (const item of items) {
                if (item.record) {
                    const link = el("a", { href: `#${item.record.anchorId}` }, `${item.label}: ${item.message}`);
                    link.addEventListener("click", (event) => {
                        event.preventDefault();
                        const target = item.record.focusTarget;
                        target.scrollIntoView({ block: "center" });
                        target.focus();
                    });
                    list.append(el("li", {}, link));
                } else {
                    list.append(el("li", {}, item.message));
                }
            }
            this.showSummary(this.t("errors_title"), list);
        }

        showFailure(title, ...messages) {
            this.showSummary(title, ...messages.filter(Boolean).map((message) => el("p", {}, message)));
        }

        showSummary(title, ...content) {
            const titleId = this.id("summary-title");
            const heading = el(
                `h${Math.min(this.level + 1, 6)}`,
                { className: "b52-embed__summary-title", id: titleId },
                title,
            );
            const summary = el(
                "div",
                {
                    className: "b52-embed__summary",
                    id: this.id("summary"),
                    role: "alert",
                    tabindex: "-1",
                    "aria-labelledby": titleId,
                },
                heading,
                ...content,
            );
            this.summarySlot.replaceChildren(summary);
            summary.scrollIntoView({ block: "start" });
            summary.focus();
        }

        setProgress(fraction) {
            const percent = Math.round(fraction * 100);
            this.progress.value = percent;
            this.progress.setAttribute("aria-valuetext", this.t("progress", { percent }));
            const step = Math.floor(percent / 25) * 25;
            if (step !== this.lastAnnounced) {
                this.lastAnnounced = step;
                this.live.textContent = step >= 100 ? this.t("processing") : this.t("progress", { percent: step });
            }
        }

        submit() {
            if (this.sending) return;
            this.sending = true;
            const body = new FormData(this.form);
            const email = body.get("email");
            this.form.setAttribute("aria-busy", "true");
            this.button.setAttribute("aria-disabled", "true");
            this.progressBox.hidden = false;
            this.progress.value = 0;
            this.lastAnnounced = null;
            this.live.textContent = this.t("sending");
            const xhr = new XMLHttpRequest();
            xhr.open("POST", withLang(this.url, this.options.lang));
            xhr.withCredentials = false;
            xhr.setRequestHeader("Accept", "application/json");
            xhr.upload.addEventListener("progress", (event) => {
                if (event.lengthComputable && event.total) this.setProgress(event.loaded / event.total);
            });
            const done = () => {
                this.sending = false;
                this.form.removeAttribute("aria-busy");
                this.button.removeAttribute("aria-disabled");
                this.progressBox.hidden = true;
                this.live.textContent = "";
            };
            xhr.addEventListener("load", () => {
                done();
                this.handleAnswer(xhr, email);
            });
            const networkFailure = () => {
                done();
                // The form keeps its token: sending again is safe, the
                // server stores one application per token.
                this.clearErrors();
                this.showFailure(this.t("network_title"), this.t("network"));
            };
            xhr.addEventListener("error", networkFailure);
            xhr.addEventListener("timeout", networkFailure);
            xhr.addEventListener("abort", networkFailure);
            xhr.send(body);
        }

        handleAnswer(xhr, email) {
            let answer = null;
            try {
                answer = JSON.parse(xhr.responseText);
            } catch (error) {
                answer = null;
            }
            if (answer && answer.hidden_fields) {
                // A fresh token from the server (e.g. the form was open too long).
                for (const [name, value] of Object.entries(answer.hidden_fields)) {
                    const input = this.form.querySelector(`input[type="hidden"][name="${CSS.escape(name)}"]`);
                    if (input) input.value = String(value);
                }
            }
            this.clearErrors();
            if (xhr.status >= 200 && xhr.status < 300 && answer && answer.stored) {
                this.showReceipt(answer, email);
                return;
            }
            const serverMessages = answer
                ? [].concat(answer.non_field_errors || [], answer.detail ? [answer.detail] : [])
                : [];
            if (xhr.status === 400 && answer && answer.errors && Object.keys(answer.errors).length) {
                this.showFieldErrors(answer.errors, answer.non_field_errors);
                return;
            }
            if (xhr.status === 400 && serverMessages.length) {
                this.showFieldErrors({}, serverMessages);
                return;
            }
            const fallback = { 403: "forbidden", 413: "too_large" }[xhr.status] || "failed";
            const messages = serverMessages.length ? serverMessages.map(String) : [this.t(fallback)];
            // Retry-After is readable only if the server exposes it
            // (Access-Control-Expose-Headers) to a cross-origin page.
            const retryAfter = parseInt(xhr.getResponseHeader("Retry-After") || "", 10);
            if (retryAfter > 0) messages.push(this.t("retry_after", { seconds: retryAfter }));
            // Without the server's own answer nobody knows whether it arrived.
            const unknown = !serverMessages.length && fallback === "failed";
            this.showFailure(this.t(unknown ? "unknown_title" : "failure_title"), ...messages);
        }

        showReceipt(answer, email) {
            const headingId = this.id("receipt-title");
            const heading = el(
                `h${this.level}`,
                { className: "b52-embed__receipt-title", id: headingId, tabindex: "-1" },
                this.t("thanks_title"),
            );
            const parts = [heading];
            if (answer.receipt_number) {
                parts.push(
                    el(
                        "div",
                        { className: "b52-embed__receipt", role: "status" },
                        el("p", { className: "b52-embed__receipt-label" }, this.t("receipt_label")),
                        el("p", { className: "b52-embed__receipt-number" }, String(answer.receipt_number)),
                        answer.submitted_at
                            ? el("p", {}, this.t("received_on", { time: this.formatDateTime(answer.submitted_at) }))
                            : null,
                    ),
                );
                if (email)
                    parts.push(
                        el("p", { className: "b52-embed__next" }, this.t("confirmation", { email: String(email) })),
                    );
            } else {
                parts.push(el("p", { className: "b52-embed__receipt", role: "status" }, this.t("received")));
            }
            if (answer.thank_you_text)
                parts.push(el("p", { className: "b52-embed__next" }, String(answer.thank_you_text)));
            const receipt = el("section", { className: "b52-embed__received", "aria-labelledby": headingId }, ...parts);
            this.container.replaceChildren(receipt);
            heading.focus();
        }
    }

    // Mounting ------------------------------------------------------------

    const scriptUrl = document.currentScript ? document.currentScript.src : null;

    function loadStylesheet(script) {
        if (!scriptUrl || (script && script.dataset.b52Css === "none")) return;
        const href = new URL("embed.css", scriptUrl).href;
        if (document.querySelector(`link[data-b52-embed-css]`)) return;
        // First in <head>: with its zero-specificity rules the page's own
        // CSS wins anyway, and comes later in the cascade too.
        const link = el("link", { rel: "stylesheet", href, "data-b52-embed-css": "" });
        document.head.prepend(link);
    }

    function mountScript(script) {
        if (!script || !script.dataset.b52Form || script.dataset.b52Mounted) return;
        script.dataset.b52Mounted = "true";
        loadStylesheet(script);
        let container;
        const targetId = (script.dataset.b52Target || "").replace(/^#/, "");
        if (targetId) {
            container = document.getElementById(targetId);
        }
        if (!container) {
            container = el("div");
            script.after(container);
        }
        const form = new EmbeddedForm(container, script.dataset.b52Form, {
            headingLevel: script.dataset.b52HeadingLevel,
            lang: script.dataset.b52Lang,
        });
        form.load();
    }

    if (window.customElements && !window.customElements.get("b52-application-form")) {
        class ApplicationFormElement extends HTMLElement {
            connectedCallback() {
                if (this.b52Form || !this.getAttribute("src")) return;
                loadStylesheet(null);
                this.b52Form = new EmbeddedForm(this, this.getAttribute("src"), {
                    headingLevel: this.getAttribute("heading-level"),
                    lang: this.dataset.b52Lang,
                });
                this.b52Form.load();
            }
        }
        window.customElements.define("b52-application-form", ApplicationFormElement);
    }

    mountScript(document.currentScript);
})();
