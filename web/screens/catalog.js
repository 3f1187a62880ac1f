// Catalog: services, products (stock per clinic) and categories. Everyone
// reads it and sets stock counts; admins create, edit, archive and restore.
import {
  html, useState, api, listAll, useApp, useLoad, usePager, Link, toast, toastError,
  money, parseMoney, moneyInput, dateOnly, atLeast,
} from '../lib.js';
import {
  Button, PageHeader, ListState, Pager, FormDialog, Field, useForm, Segmented, Badge, ConfirmDialog,
  fieldError, currencySymbol, moneyPlaceholder, moneyExample,
} from '../components.js';

const PAGE = 100;
const SECTIONS = [
  { id: 'services', label: 'Services' },
  { id: 'products', label: 'Products' },
  { id: 'categories', label: 'Categories' },
];

export function CatalogPage({ tab }) {
  const { role } = useApp();
  const section = SECTIONS.find((s) => s.id === tab);
  const isAdmin = atLeast(role, 'admin');
  // Category names for the services and products tables (live and archived).
  const cats = useLoad(async () => {
    const [live, old] = await Promise.all([listAll('/v1/categories'), listAll('/v1/categories', { archived: 'true' })]);
    return { live, all: [...live, ...old] };
  }, []);

  if (!section) {
    return html`<div class="page"><div class="state state-page"><h1 class="state-title" tabindex="-1">Page not found</h1>
      <p class="state-text">The catalog has services, products and categories.</p></div></div>`;
  }
  return html`<div class="page">
    <${PageHeader} title="Catalog" subtitle=${isAdmin ? 'Treatments, retail products and how they are grouped.' : 'Treatments and retail products. Ask an admin to change prices.'} />
    <nav class="subnav" aria-label="Catalog sections">
      ${SECTIONS.map((s) => html`<${Link} key=${s.id} href=${'/catalog/' + s.id} class=${'subnav-link' + (s.id === tab ? ' is-active' : '')}
        aria-current=${s.id === tab ? 'page' : undefined}>${s.label}<//>`)}
    </nav>
    ${tab === 'services' && html`<${Services} cats=${cats} isAdmin=${isAdmin} />`}
    ${tab === 'products' && html`<${Products} cats=${cats} isAdmin=${isAdmin} />`}
    ${tab === 'categories' && html`<${Categories} cats=${cats} isAdmin=${isAdmin} />`}
  </div>`;
}

function catName(cats, id) {
  if (!id) return null;
  const c = cats.data && cats.data.all.find((x) => x.id === id);
  return c ? c.name : null;
}

function CategorySelect({ form, cats, current }) {
  const live = (cats.data && cats.data.live) || [];
  const extra = current && !live.some((c) => c.id === current) && cats.data && cats.data.all.find((c) => c.id === current);
  return html`<${Field} form=${form} name="category" label="Category" as="select">
    <option value="">No category</option>
    ${live.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}
    ${extra && html`<option value=${extra.id}>${extra.name} (archived)</option>`}
  <//>`;
}

function Toolbar({ archived, setArchived, cats, category, setCategory, children }) {
  const live = (cats && cats.data && cats.data.live) || [];
  return html`<div class="toolbar">
    <${Segmented} label="Show" value=${archived ? 'archived' : 'active'} onChange=${(v) => setArchived(v === 'archived')}
      options=${[{ value: 'active', label: 'Active' }, { value: 'archived', label: 'Archived' }]} />
    ${setCategory && html`<div class="toolbar-select">
      <label for="cat-filter" class="visually-hidden">Filter by category</label>
      <select id="cat-filter" class="control control-sm" value=${category} onChange=${(e) => setCategory(e.currentTarget.value)}>
        <option value="">All categories</option>
        ${live.map((c) => html`<option key=${c.id} value=${c.id}>${c.name}</option>`)}
      </select></div>`}
    <div class="toolbar-end">${children}</div>
  </div>`;
}

// Archive (DELETE) or restore (PATCH archived:false) with a confirm step.
function useArchive(kind, path, reload) {
  const [target, setTarget] = useState(null);
  const dialog = target && html`<${ConfirmDialog}
    title=${target.archived ? `Restore ${target.name}?` : `Archive ${target.name}?`}
    danger=${!target.archived}
    confirmLabel=${target.archived ? 'Restore' : 'Archive'}
    message=${target.archived ? `The ${kind} becomes available for sale again.` : `The ${kind} can no longer be sold. Past sales keep it, and you can restore it from Archived.`}
    onClose=${() => setTarget(null)}
    onConfirm=${async () => {
      if (target.archived) await api('PATCH', `${path}/${target.id}`, { body: { archived: false } });
      else await api('DELETE', `${path}/${target.id}`);
      toast(`${target.name} ${target.archived ? 'restored' : 'archived'}`);
      setTarget(null);
      reload();
    }} />`;
  return [setTarget, dialog];
}

// ---------------------------------------------------------------------------
// Services

function Services({ cats, isAdmin }) {
  const [archived, setArchived] = useState(false);
  const [category, setCategory] = useState('');
  const [edit, setEdit] = useState(null);
  const pager = usePager(archived + category);
  const list = useLoad((signal) => api('GET', '/v1/services', {
    query: { limit: PAGE, starting_after: pager.after, archived: archived ? 'true' : undefined, category: category || undefined }, signal,
  }), [archived, category, pager.after]);
  const rows = list.data ? list.data.data : [];
  const [askArchive, archiveDialog] = useArchive('service', '/v1/services', list.reload);

  return html`<section class="card" aria-label="Services">
    <${Toolbar} archived=${archived} setArchived=${setArchived} cats=${cats} category=${category} setCategory=${setCategory}>
      ${isAdmin && html`<${Button} variant="primary" icon="plus" onClick=${() => setEdit({})}>New service<//>`}
    <//>
    <${ListState} state=${list} empty=${rows.length === 0}
      emptyText=${archived ? 'No archived services' : category ? 'No services in this category' : 'No services yet'}
      emptyHint=${!archived && !category ? (isAdmin ? 'Add the treatments your practice sells.' : 'An admin adds the treatments your practice sells.') : null}>
      <div class="table-wrap"><table class="table">
        <thead><tr><th scope="col">Name</th><th scope="col">Category</th><th scope="col" class="num">Duration</th>
          <th scope="col" class="num">Price</th><th scope="col">Tax</th>${isAdmin && html`<th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th>`}</tr></thead>
        <tbody>${rows.map((s) => html`<tr key=${s.id}>
          <td class="strong">${s.name}${s.archived ? html` <${Badge} tone="warn">Archived<//>` : null}</td>
          <td class="muted">${catName(cats, s.category) || '—'}</td>
          <td class="num muted">${s.duration_min} min</td>
          <td class="num">${money(s.price, s.currency)}</td>
          <td>${s.taxable ? html`<${Badge}>Taxable<//>` : html`<span class="muted">—</span>`}</td>
          ${isAdmin && html`<td class="actions">
            ${s.archived && html`<${Button} size="sm" variant="ghost" aria-label=${'Restore ' + s.name} onClick=${() => askArchive(s)}>Restore<//>`}
            <${Button} size="sm" variant="ghost" aria-label=${'Edit ' + s.name} onClick=${() => setEdit({ item: s })}>Edit<//>
          </td>`}
        </tr>`)}</tbody>
      </table></div>
      <${Pager} pager=${pager} hasMore=${list.data && list.data.has_more} lastId=${rows.length ? rows[rows.length - 1].id : null} label="services" />
    <//>
    ${edit && html`<${ServiceDialog} service=${edit.item} cats=${cats} onClose=${() => setEdit(null)} onSaved=${() => { setEdit(null); list.reload(); }}
      onArchive=${() => { setEdit(null); askArchive(edit.item); }} />`}
    ${archiveDialog}
  </section>`;
}

function ServiceDialog({ service, cats, onClose, onSaved, onArchive }) {
  const { currency: accountCurrency } = useApp();
  const currency = service ? service.currency : accountCurrency;
  const form = useForm({
    name: service ? service.name : '',
    category: (service && service.category) || '',
    price: service ? moneyInput(service.price, currency) : '',
    duration_min: service ? String(service.duration_min) : '30',
    taxable: service ? service.taxable : false,
  });
  const submit = async (v, key) => {
    if (v.price.trim() === '') throw fieldError('price', 'Enter a price.');
    const price = parseMoney(v.price, currency);
    if (price == null) throw fieldError('price', `Enter a price like ${moneyExample(currency)}.`);
    if (!/^\d+$/.test(v.duration_min.trim())) throw fieldError('duration_min', 'Enter the minutes as a whole number.');
    const body = {
      name: v.name, category: v.category || null, price, duration_min: parseInt(v.duration_min, 10), taxable: v.taxable,
    };
    if (service) {
      const s = await api('PATCH', '/v1/services/' + service.id, { body });
      toast(`${s.name} saved`);
    } else {
      body.currency = currency;
      const s = await api('POST', '/v1/services', { body, key });
      toast(`${s.name} created`);
    }
    onSaved();
  };
  return html`<${FormDialog} title=${service ? 'Edit service' : 'New service'} form=${form} onSubmit=${submit} onClose=${onClose}
    extraFooter=${service && !service.archived && html`<${Button} variant="ghost" class="btn-danger-text" onClick=${onArchive}>Archive service<//>`}>
    <${Field} form=${form} name="name" label="Name" autocomplete="off" />
    <${CategorySelect} form=${form} cats=${cats} current=${service && service.category} />
    <div class="grid-2">
      <${Field} form=${form} name="price" label="Price" inputmode="decimal" prefix=${currencySymbol(currency)} placeholder=${moneyPlaceholder(currency)} autocomplete="off" />
      <${Field} form=${form} name="duration_min" label="Duration (minutes)" inputmode="numeric" autocomplete="off" />
    </div>
    <${Field} form=${form} name="taxable" label="Taxable" as="checkbox" hint="Charge the clinic's sales tax on this service." />
  <//>`;
}

// ---------------------------------------------------------------------------
// Products

function Products({ cats, isAdmin }) {
  const { clinic, clinics } = useApp();
  const [archived, setArchived] = useState(false);
  const [category, setCategory] = useState('');
  const [edit, setEdit] = useState(null);
  const [stockOf, setStockOf] = useState(null);
  const pager = usePager(archived + category);
  const list = useLoad((signal) => api('GET', '/v1/products', {
    query: { limit: PAGE, starting_after: pager.after, archived: archived ? 'true' : undefined, category: category || undefined }, signal,
  }), [archived, category, pager.after]);
  const rows = list.data ? list.data.data : [];
  const [askArchive, archiveDialog] = useArchive('product', '/v1/products', list.reload);
  const liveClinics = clinics.filter((c) => !c.archived);
  const qty = (p, cid) => { const s = p.stock.find((x) => x.clinic === cid); return s ? s.quantity : 0; };
  const total = (p) => p.stock.filter((s) => liveClinics.some((c) => c.id === s.clinic)).reduce((a, s) => a + s.quantity, 0);

  return html`<section class="card" aria-label="Products">
    <${Toolbar} archived=${archived} setArchived=${setArchived} cats=${cats} category=${category} setCategory=${setCategory}>
      ${isAdmin && html`<${Button} variant="primary" icon="plus" onClick=${() => setEdit({})}>New product<//>`}
    <//>
    <${ListState} state=${list} empty=${rows.length === 0}
      emptyText=${archived ? 'No archived products' : category ? 'No products in this category' : 'No products yet'}
      emptyHint=${!archived && !category ? (isAdmin ? 'Add the retail products you sell.' : 'An admin adds the retail products you sell.') : null}>
      <div class="table-wrap"><table class="table">
        <thead><tr><th scope="col">Product</th><th scope="col">Category</th><th scope="col" class="num">Price</th>
          <th scope="col" class="num">${clinic ? html`In stock<span class="th-sub">${shortClinic(clinic.name)}</span>` : 'In stock'}</th>
          ${liveClinics.length > 1 && html`<th scope="col" class="num">Total</th>`}
          <th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>${rows.map((p) => {
          const here = clinic ? qty(p, clinic.id) : null;
          return html`<tr key=${p.id}>
            <td class="col-name"><div class="strong">${p.name}${p.archived ? html` <${Badge} tone="warn">Archived<//>` : null}</div><div class="mono small muted">${p.sku}</div></td>
            <td class="muted">${catName(cats, p.category) || '—'}</td>
            <td class="num"><div>${money(p.price, p.currency)}</div>${isAdmin && html`<div class="small muted">cost ${money(p.cost, p.currency)}</div>`}</td>
            <td class="num">${here == null ? '—' : here === 0 ? html`<${Badge} tone="warn">Out<//>` : here}</td>
            ${liveClinics.length > 1 && html`<td class="num muted">${total(p)}</td>`}
            <td class="actions">
              ${p.archived && isAdmin && html`<${Button} size="sm" variant="ghost" aria-label=${'Restore ' + p.name} onClick=${() => askArchive(p)}>Restore<//>`}
              ${!p.archived && html`<${Button} size="sm" variant="ghost" aria-label=${'Stock of ' + p.name} onClick=${() => setStockOf(p)}>Stock<//>`}
              ${isAdmin && html`<${Button} size="sm" variant="ghost" aria-label=${'Edit ' + p.name} onClick=${() => setEdit({ item: p })}>Edit<//>`}
            </td>
          </tr>`;
        })}</tbody>
      </table></div>
      <${Pager} pager=${pager} hasMore=${list.data && list.data.has_more} lastId=${rows.length ? rows[rows.length - 1].id : null} label="products" />
    <//>
    ${edit && html`<${ProductDialog} product=${edit.item} cats=${cats} onClose=${() => setEdit(null)} onSaved=${() => { setEdit(null); list.reload(); }}
      onArchive=${() => { setEdit(null); askArchive(edit.item); }} />`}
    ${stockOf && html`<${StockDialog} product=${stockOf} clinics=${liveClinics} onClose=${() => setStockOf(null)} onSaved=${() => { setStockOf(null); list.reload(); }} />`}
    ${archiveDialog}
  </section>`;
}

const shortClinic = (name) => name.replace(/^.*\s[-–—]\s/, '');

function ProductDialog({ product, cats, onClose, onSaved, onArchive }) {
  const { currency: accountCurrency } = useApp();
  const currency = product ? product.currency : accountCurrency;
  const form = useForm({
    sku: product ? product.sku : '',
    name: product ? product.name : '',
    category: (product && product.category) || '',
    price: product ? moneyInput(product.price, currency) : '',
    cost: product ? moneyInput(product.cost, currency) : '',
    taxable: product ? product.taxable : true,
  });
  const submit = async (v, key) => {
    if (v.price.trim() === '') throw fieldError('price', 'Enter a price.');
    const price = parseMoney(v.price, currency);
    if (price == null) throw fieldError('price', `Enter a price like ${moneyExample(currency)}.`);
    const cost = v.cost.trim() === '' ? 0 : parseMoney(v.cost, currency);
    if (cost == null) throw fieldError('cost', `Enter a cost like ${moneyExample(currency)}.`);
    const body = { sku: v.sku.trim(), name: v.name, category: v.category || null, price, cost, taxable: v.taxable };
    if (product) {
      const p = await api('PATCH', '/v1/products/' + product.id, { body });
      toast(`${p.name} saved`);
    } else {
      body.currency = currency;
      const p = await api('POST', '/v1/products', { body, key });
      toast(`${p.name} created`);
    }
    onSaved();
  };
  return html`<${FormDialog} title=${product ? 'Edit product' : 'New product'} form=${form} onSubmit=${submit} onClose=${onClose}
    extraFooter=${product && !product.archived && html`<${Button} variant="ghost" class="btn-danger-text" onClick=${onArchive}>Archive product<//>`}>
    <${Field} form=${form} name="name" label="Name" autocomplete="off" />
    <div class="grid-2">
      <${Field} form=${form} name="sku" label="SKU" autocomplete="off" spellcheck="false" class="mono-input" hint="Letters, digits, . _ -" />
      <${CategorySelect} form=${form} cats=${cats} current=${product && product.category} />
    </div>
    <div class="grid-2">
      <${Field} form=${form} name="price" label="Price" inputmode="decimal" prefix=${currencySymbol(currency)} placeholder=${moneyPlaceholder(currency)} autocomplete="off" />
      <${Field} form=${form} name="cost" label="Cost" inputmode="decimal" prefix=${currencySymbol(currency)} placeholder=${moneyPlaceholder(currency)} autocomplete="off" hint="What one unit costs you." />
    </div>
    <${Field} form=${form} name="taxable" label="Taxable" as="checkbox" hint="Charge the clinic's sales tax on this product." />
  <//>`;
}

// Stock per clinic: PUT /v1/products/:id/stock/:clinic for each changed count.
function StockDialog({ product, clinics, onClose, onSaved }) {
  const initial = {};
  for (const c of clinics) {
    const s = product.stock.find((x) => x.clinic === c.id);
    initial[c.id] = String(s ? s.quantity : 0);
  }
  const form = useForm(initial);
  const submit = async (v) => {
    const changed = clinics.filter((c) => v[c.id].trim() !== initial[c.id]);
    for (const c of changed) {
      if (!/^\d+$/.test(v[c.id].trim())) throw fieldError(c.id, 'Enter a whole number of units, 0 or more.');
    }
    for (const c of changed) {
      try {
        await api('PUT', `/v1/products/${product.id}/stock/${c.id}`, { body: { quantity: parseInt(v[c.id], 10) } });
      } catch (e) {
        if (e.param === 'quantity') e.param = c.id;
        throw e;
      }
    }
    toast(changed.length ? `Stock of ${product.name} updated` : 'No changes to save');
    onSaved();
  };
  return html`<${FormDialog} title="Stock on hand" description=${product.name} form=${form} onSubmit=${submit} onClose=${onClose}>
    ${clinics.length === 0 && html`<p class="muted">Add a clinic first: stock is counted per clinic.</p>`}
    ${clinics.map((c) => html`<${Field} key=${c.id} form=${form} name=${c.id} label=${c.name} type="number" min="0" step="1" inputmode="numeric" suffix="units" />`)}
  <//>`;
}

// ---------------------------------------------------------------------------
// Categories

function Categories({ cats, isAdmin }) {
  const { tz } = useApp();
  const [archived, setArchived] = useState(false);
  const [edit, setEdit] = useState(null);
  const [del, setDel] = useState(null);
  const pager = usePager(String(archived));
  const list = useLoad((signal) => api('GET', '/v1/categories', {
    query: { limit: PAGE, starting_after: pager.after, archived: archived ? 'true' : undefined }, signal,
  }), [archived, pager.after]);
  const rows = list.data ? list.data.data : [];
  const reload = () => { list.reload(); cats.reload(); };

  const remove = async () => {
    const r = await api('DELETE', '/v1/categories/' + del.id);
    toast(r.deleted ? `${del.name} deleted` : `${del.name} archived: items are still filed under it`);
    setDel(null); reload();
  };
  const restore = async (c) => {
    try {
      await api('PATCH', '/v1/categories/' + c.id, { body: { archived: false } });
      toast(`${c.name} restored`); reload();
    } catch (e) { toastError(e); }
  };

  return html`<section class="card" aria-label="Categories">
    <${Toolbar} archived=${archived} setArchived=${setArchived}>
      ${isAdmin && html`<${Button} variant="primary" icon="plus" onClick=${() => setEdit({})}>New category<//>`}
    <//>
    <${ListState} state=${list} empty=${rows.length === 0}
      emptyText=${archived ? 'No archived categories' : 'No categories yet'}
      emptyHint=${archived ? null : 'Categories group services and products, such as Neurotoxins or Skincare.'}>
      <div class="table-wrap"><table class="table">
        <thead><tr><th scope="col">Name</th><th scope="col">Added</th>${isAdmin && html`<th scope="col" class="actions-col"><span class="visually-hidden">Actions</span></th>`}</tr></thead>
        <tbody>${rows.map((c) => html`<tr key=${c.id}>
          <td class="strong">${c.name}${c.archived ? html` <${Badge} tone="warn">Archived<//>` : null}</td>
          <td class="muted">${dateOnly(c.created, tz)}</td>
          ${isAdmin && html`<td class="actions">
            <${Button} size="sm" variant="ghost" aria-label=${'Edit ' + c.name} onClick=${() => setEdit({ item: c })}>Edit<//>
            ${c.archived
              ? html`<${Button} size="sm" variant="ghost" aria-label=${'Restore ' + c.name} onClick=${() => restore(c)}>Restore<//>`
              : html`<${Button} size="sm" variant="ghost" aria-label=${'Delete ' + c.name} onClick=${() => setDel(c)}>Delete<//>`}
          </td>`}
        </tr>`)}</tbody>
      </table></div>
      <${Pager} pager=${pager} hasMore=${list.data && list.data.has_more} lastId=${rows.length ? rows[rows.length - 1].id : null} label="categories" />
    <//>
    ${edit && html`<${CategoryDialog} category=${edit.item} onClose=${() => setEdit(null)} onSaved=${() => { setEdit(null); reload(); }} />`}
    ${del && html`<${ConfirmDialog} title=${`Delete ${del.name}?`} danger confirmLabel="Delete"
      message="A category that services or products are still filed under is archived instead, so those items keep it."
      onConfirm=${remove} onClose=${() => setDel(null)} />`}
  </section>`;
}

function CategoryDialog({ category, onClose, onSaved }) {
  const form = useForm({ name: category ? category.name : '' });
  const submit = async (v, key) => {
    if (category) {
      const c = await api('PATCH', '/v1/categories/' + category.id, { body: { name: v.name } });
      toast(`${c.name} saved`);
    } else {
      const c = await api('POST', '/v1/categories', { body: { name: v.name }, key });
      toast(`${c.name} created`);
    }
    onSaved();
  };
  return html`<${FormDialog} title=${category ? 'Edit category' : 'New category'} form=${form} onSubmit=${submit} onClose=${onClose}>
    <${Field} form=${form} name="name" label="Name" autocomplete="off" />
  <//>`;
}
