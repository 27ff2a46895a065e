/**
 * Template text as people write it (issue 12 point 5, the Loghub-2.0 corrected conventions):
 * rendering only, so grouping is the same whatever the text shows.
 */
import { describe, expect, it } from 'vitest';
import { createMiner } from '../../src/detector/miner/index.js';
import { renderVariable } from '../../src/detector/miner/tokenize.js';
import { mergeToken } from '../../src/detector/miner/cluster.js';
import { matchesTemplate } from '../../src/detector/template-match.js';

const one = (line: string, opts = {}) => createMiner(opts).add(line).template;

describe('template text', () => {
  it.each([
    ['10.251.73.220:50010', '<*>:<*>'],
    ['/10.251.30.6:33145', '<*>:<*>'],
    ['2017-05-16', '<*>-<*>-<*>'],
    ['07:07:00', '<*>:<*>:<*>'],
    ['1.2.13', '<*>'],
    ['-17', '<*>'],
    ['1514038440000##6993##548365', '<*>##<*>##<*>'],
    ['msra-sa-41/10.190.173.170:9000', '<*>/<*>:<*>'],
    ['proxy.cse.cuhk.edu.hk:5070', '<*>:<*>'],
    ['b9000564-fe1a-409b-b8cc-1e88b294cd1d', '<*>'],
    ['00:11:43:e3:ba:c3', '<*>'],
    ['00:11:22:33:44:55', '<*>'],
    ['/var/lib/nova/instances/_base/a489c868', '<*>'],
    ['hdfs://msra-sa-41:9000', 'hdfs://<*>:<*>'],
    ['hdfs://msra-sa-41:9000/pjhe/test/1/part-00001', 'hdfs://<*>'],
    ['https://www.example.com/a/1', '<*>'],
  ])('a masked %s shows as %s', (value, shown) => {
    expect(renderVariable(value, 0, value.length)).toBe(shown);
  });

  it('a variable glued to a word is one variable; a label and its separator stay', () => {
    expect(one('Deleting block blk_-1781953582842324563 now')).toBe('Deleting block <*> now');
    expect(one('generating core.2275 for node-246 at ambient=31')).toBe('generating core.<*> for node-<*> at ambient=<*>');
  });

  it('a name ending in one digit is shown as written, and still groups with its siblings', () => {
    const m = createMiner();
    const a = m.add('link up on eth0 at 1000 Mb/s');
    const b = m.add('link up on eth1 at 100 Mb/s');
    expect(a.template).toBe('link up on eth0 at <*> Mb/s');
    expect(m.resolve!(b.templateId)).toBe(m.resolve!(a.templateId));
    // punctuation after it does not make it a value
    expect(one('wl0: MDNS: 0 SRV Recs')).toBe('wl0: MDNS: <*> SRV Recs');
    expect(one('DHCPDISCOVER from 10.0.0.1 via eth1: no free leases')).toBe('DHCPDISCOVER from <*> via eth1: no free leases');
  });

  it('a qualified name keeps its method: only the qualifier with digits is a value', () => {
    expect(one('IO80211AWDLPeerManager::setAwdlAutoMode Resuming AWDL')).toBe('<*>::setAwdlAutoMode Resuming AWDL');
    expect(one('ARPT: 697702.656868: AirPort_Brcm43xx::powerChange: System Sleep')).toBe('ARPT: <*>: <*>::powerChange: System Sleep');
    expect(one('10.251.30.85:50010:Got exception while serving blk_1 to /10.251.90.64:')).toBe('<*>:<*>:Got exception while serving <*> to <*>:');
    const m = createMiner();
    const a = m.add('Dev2::open() power up');
    const b = m.add('Dev2::close() power up');
    expect(a.template).toBe('<*>::open() power up');
    expect(m.resolve!(b.templateId)).not.toBe(m.resolve!(a.templateId));
  });

  it('a name with one digit inside it is a constant: function and class names are written as they are', () => {
    expect(one('jk2_init() Found child 6725 in scoreboard slot 10')).toBe('jk2_init() Found child <*> in scoreboard slot <*>');
    expect(one('Slf4jLogger started')).toBe('Slf4jLogger started');
    const m = createMiner();
    const a = m.add('jk2_init() Found child 1 in slot 2');
    const b = m.add('mod5_init() Found child 1 in slot 2');
    expect(b.templateId).not.toBe(a.templateId);
    // a hex id with one digit, a number with letters around it, a number in front: still values
    expect(one('cache deadbe3f evicted')).toBe('cache <*> evicted');
    expect(one('took 5ms')).toBe('took <*>');
  });

  it('a host name with its port is an address: both are values, and the template shows <*>:<*>', () => {
    expect(one('proxy.cse.cuhk.edu.hk:5070 open through proxy socks.example.org:1080 HTTPS')).toBe('<*>:<*> open through proxy <*>:<*> HTTPS');
    // a stack frame (`pkg.Class.method:120`) and a key with a value are not addresses
    expect(one('at com.android.server.wm.WindowStateAnimator.destroySurface:120')).toBe('at com.android.server.wm.WindowStateAnimator.destroySurface:<*>');
    expect(one('attempt retries:3 left')).toBe('attempt retries:<*> left');
  });

  it('a date written out around a time of day is one timestamp, shown as the time', () => {
    expect(one('connection from 10.0.0.1 (host) at Fri Jun 17 07:07:00 2005')).toBe('connection from <*> (host) at <*>:<*>:<*>');
    expect(one('restarted at Jun 17 07:07:00 by cron')).toBe('restarted at <*>:<*>:<*> by cron');
    // one value before a time is not a date
    expect(one('took 5 07:07:00 in total')).toBe('took <*> <*>:<*>:<*> in total');
  });

  it('a name and its bracketed value: the name stays, like the key of key=value', () => {
    expect(one('securityd_xpc_dictionary_handler cloudd[1234] copy_matching failed')).toBe('securityd_xpc_dictionary_handler cloudd[<*>] copy_matching failed');
    expect(one('LAPIC (acpi_id[0x01] lapic_id[0x00] enabled)')).toBe('LAPIC (acpi_id[<*>] lapic_id[<*>] enabled)');
    expect(one('AQM BAbitmap(0-3) done')).toBe('AQM BAbitmap(<*>-<*>) done');
    const m = createMiner();
    expect(m.add('Sandbox: deny(1) network-outbound').templateId).not.toBe(m.add('Sandbox: allow(1) network-outbound').templateId);
  });

  it('an angle bracket glued to a variable is shown as part of it', () => {
    expect(one('Recalculating schedule, headroom=<memory:10240, vCores:-17>')).toBe('Recalculating schedule, headroom=<memory:<*>, vCores:<*>');
    expect(one('queued msgid=<200511091901.jA9J1UvC004306@eadmin1>, relay=local')).toBe('queued msgid=<*>, relay=local');
    expect(one('<ISBindingImageDescriptor: 0x7f9950712080>. failed')).toBe('<ISBindingImageDescriptor: <*>. failed');
  });

  it('a key=value right after a name and its opening bracket keeps the name and the key', () => {
    expect(one('retry policy is RetryUpToMaximumCountWithFixedSleep(maxRetries=10, sleepTime=1000 MILLISECONDS)')).toBe(
      'retry policy is RetryUpToMaximumCountWithFixedSleep(maxRetries=<*>, sleepTime=<*> MILLISECONDS)',
    );
    expect(one('session opened by LOGIN(uid=0)')).toBe('session opened by LOGIN(uid=<*>)');
  });

  it('value words (true, false, null, root, admin) show as <*> but do not group unlike lines', () => {
    const m = createMiner();
    const a = m.add('session opened for user root by (uid=0)');
    const b = m.add('session opened for user cyrus by (uid=0)');
    expect(a.template).toBe('session opened for user <*> by (uid=<*>)');
    expect(b.template).toBe('session opened for user cyrus by (uid=<*>)');
    expect(b.templateId).not.toBe(a.templateId);
    expect(one('initDataPrivacy the dataPrivacy is true')).toBe('initDataPrivacy the dataPrivacy is <*>');
    expect(one('auth failure; user=admin')).toBe('auth failure; user=<*>');
    expect(one('the rootkit check passed')).toBe('the rootkit check passed');
  });

  it("a configured mask that takes more of a token than the built-in maskers is what the template shows, unless masks only group", () => {
    const masks = [/[a-z]{3}-\d+/g];
    expect(one('job abc-123 done', { masks })).toBe('job <*> done');
    expect(one('job abc-123 done', { masks, masksGroupOnly: true })).toBe('job abc-<*> done');
    // a mask that only sees the address and port as one value: the template still shows both
    expect(one('served 10.0.0.1:80 ok', { masks: [/(\d+\.){3}\d+(:\d+)?/g] })).toBe('served <*>:<*> ok');
  });

  it('when masks only group, a dotted name they took is shown as written until its lines show it varying; a host name stays <*>', () => {
    const masks = [/([\w-]+\.){2,}[\w-]+/g];
    const m = createMiner({ masks, masksGroupOnly: true });
    expect(m.add('deny mach-lookup com.apple.networking.captive').template).toBe('deny mach-lookup com.apple.networking.captive');
    expect(m.add('deny mach-lookup com.apple.networking.captive').template).toBe('deny mach-lookup com.apple.networking.captive');
    const c = m.add('deny mach-lookup com.apple.networkd');
    expect(c.template).toBe('deny mach-lookup com.apple.<*>');
    expect(m.template(c.templateId)).toBe('deny mach-lookup com.apple.<*>');
    expect(one('could not resolve proxy.cse.cuhk.edu.hk error 11001', { masks, masksGroupOnly: true })).toBe('could not resolve <*> error <*>');
    expect(one('could not resolve db.example.com now', { masks, masksGroupOnly: true })).toBe('could not resolve <*> now');
  });

  it('when masks only group, a variable keeps its shape only while every line of its template has it', () => {
    const m = createMiner({ masks: [/HWID=\d+/g], masksGroupOnly: true });
    expect(m.add('Component 00:1f:3a is unavailable (HWID=1973)').template).toBe('Component <*>:<*>:<*> is unavailable (HWID=<*>)');
    const b = m.add('Component alt0x7 is unavailable (HWID=3180)');
    expect(m.template(b.templateId)).toBe('Component <*> is unavailable (HWID=<*>)');
  });
});

describe('what the values of a position share stays in the template', () => {
  it.each([
    ['user=root', 'user=news', 'user=<*>'],
    ['(cyrus)', '(news)', '(<*>)'],
    ['com.apple.icloud.heartbeat:', 'com.apple.CacheDelete.daily:', 'com.apple.<*>:'],
    ['awqiizxequsixgr:<*>', '<*>:<*>', '<*>:<*>'],
    ['cyrus', 'news', '<*>'],
    ['abc', '<*>', '<*>'],
    ['user=', 'user=root', 'user=<*>'],
  ])('%s and %s are %s', (a, b, merged) => {
    expect(mergeToken(a, b)).toBe(merged);
    expect(mergeToken(b, a)).toBe(merged);
  });

  it('a family keeps the key of key=value, and a later value of another shape widens it again (the template stays true to every line)', () => {
    const m = createMiner();
    let last = '';
    for (const u of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace']) last = m.add(`authentication failure; tty=ssh user=${u}`).template;
    expect(last).toBe('authentication failure; tty=ssh user=<*>');
    const odd = m.add('authentication failure; tty=ssh nobody');
    expect(odd.template).toBe('authentication failure; tty=ssh <*>');
    expect(matchesTemplate(odd.template, 'authentication failure; tty=ssh nobody')).toBe(true);
  });
});
