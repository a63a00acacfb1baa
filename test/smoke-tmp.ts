import { ExpressionScope } from '../runtime/expression/expression';
const t0 = Date.now();
const s = new ExpressionScope({ inputs: { id: '../../admin/users?all=1#' }, record: { a: 21 } });
console.log('boot ms', Date.now() - t0);
console.log(s.evaluate('record.a * 2', 'w'), s.evaluate('inputs.id', 'w'), s.render('/v1/${inputs.id}/x', 'p', 'path'));
s.setJson('response', '{"paging":{"next":"abc"},"data":[1,2,3]}');
console.log(s.evaluate('response.paging.next', 'w'), s.evaluate('response.data.length', 'w'), s.evaluate('response.constructor', 'w'), s.evaluate('typeof response.constructor', 'w'));
for (const e of ['new Array(1e8).fill(1.5)', '(() => { while(true){} })()', 'process', '(function f(){ return f() })()', '"a".repeat(2**29)', 'new ArrayBuffer(2**31)', 'x; y', '(() => { throw { get message() { while(true){} } } })()', '/(a+)+$/.test("a".repeat(40)+"b")', 'JSON.parse("[".repeat(1e6))', 'a /* c */']) {
  const t = Date.now();
  try { console.log('ok?', s.evaluate(e, '$.x')); } catch (err) { console.log((err as Error).name, (err as Error).message.slice(0, 150), Date.now() - t, 'ms'); }
}
try { console.log(s.evaluate('record.a + 1', 'w')); } catch (err) { console.log('old scope', (err as Error).message); }
const s2 = new ExpressionScope({ record: { a: 1 } });
console.log(s2.evaluate('record.a + 1', 'w'));
console.log(JSON.stringify(s2.mapPairsJson('[[{"a":1},null],[{"a":null},null]]', 'null', '[]', ['record.a * 2', 'record.a.b'], 'm')));
let t = process.hrtime.bigint();
for (let i = 0; i < 20000; i++) s2.evaluate('record.a * 2', 'w');
console.log('µs/eval', Number(process.hrtime.bigint() - t) / 1e3 / 20000);
s2.dispose();
console.log(process.memoryUsage().rss / 1e6);
process.exit(0);
