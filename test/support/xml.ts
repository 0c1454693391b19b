/** A minimal, strict XML reader for tests: checks well-formedness and returns a small element tree. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function decode(s: string, where: string): string {
  if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) throw new Error(`bare & in ${where}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(s))
    throw new Error(`invalid XML character in ${where}`);
  return s.replace(ENTITY, (_m, e: string) => {
    switch (e) {
      case 'amp':
        return '&';
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

export function parseXml(xml: string): XmlElement {
  let s = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const tag = /^<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"<]*")*)\s*(\/?)>/;
  while (s.length) {
    const lt = s.indexOf('<');
    const text = lt === -1 ? s : s.slice(0, lt);
    if (text) {
      if (text.includes('>') && /]]>/.test(text)) throw new Error('"]]>" in text');
      stack[stack.length - 1]!.text += decode(text, 'text');
    }
    if (lt === -1) break;
    s = s.slice(lt);
    const m = tag.exec(s);
    if (!m) throw new Error(`malformed markup near: ${s.slice(0, 60)}`);
    const [all, close, name, rawAttrs, selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
    } else {
      const attrs: Record<string, string> = {};
      for (const a of rawAttrs!.matchAll(/([A-Za-z_][\w.:-]*)="([^"]*)"/g)) {
        if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
        attrs[a[1]!] = decode(a[2]!, `attribute ${a[1]}`);
      }
      const el: XmlElement = { name: name!, attrs, children: [], text: '' };
      stack[stack.length - 1]!.children.push(el);
      if (!selfClose) stack.push(el);
    }
    s = s.slice(all.length);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  if (root.children.length !== 1) throw new Error('expected exactly one root element');
  if (root.text.trim()) throw new Error('text outside the root element');
  return root.children[0]!;
}

export function find(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (c.name === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}
