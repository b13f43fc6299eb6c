"""The MDS security checks of the Poseidon reference script (generate_parameters_grain.sage,
algorithms 1-3: no invariant subspace trails for up to t rounds, no arbitrarily long ones), run on
the Cauchy candidates the Grain stream draws after the round constants; the first that passes is
the reference's matrix. For width 35 with R_P = 59 the first candidate passes (about 150 s here),
so arkworks' generator, which takes the first candidate, gives the reference matrix.

    python3 mds_check.py 35:59 [T:R_P ...]
"""
import random
import sys
import time

from grain import P, Grain

p = P
def matmul(A,B):
    n=len(A); m=len(B[0]); k=len(B)
    Bt=list(zip(*B))
    return [[sum(a*b for a,b in zip(A[i],Bt[j]))%p for j in range(m)] for i in range(n)]
def matvec(A,v): return [sum(a*b for a,b in zip(r,v))%p for r in A]
def rref(rows):
    """returns list of independent reduced rows (basis of row space)"""
    R=[list(r) for r in rows]; basis=[]; piv=[]
    ncol=len(R[0]) if R else 0
    r=0
    for c in range(ncol):
        pr=None
        for i in range(r,len(R)):
            if R[i][c]%p: pr=i;break
        if pr is None: continue
        R[r],R[pr]=R[pr],R[r]
        inv=pow(R[r][c],p-2,p); R[r]=[x*inv%p for x in R[r]]
        for i in range(len(R)):
            if i!=r and R[i][c]%p:
                f=R[i][c]; R[i]=[(x-f*y)%p for x,y in zip(R[i],R[r])]
        piv.append(c); r+=1
        if r==len(R): break
    return R[:r],piv
def rank(rows): return len(rref(rows)[0]) if rows else 0
def kernel(A,ncol):
    """right kernel basis of A (rows), vectors of length ncol"""
    if not A: return [[1 if i==j else 0 for i in range(ncol)] for j in range(ncol)]
    R,piv=rref(A)
    free=[c for c in range(ncol) if c not in piv]
    basis=[]
    for f in free:
        v=[0]*ncol; v[f]=1
        for i,c in enumerate(piv): v[c]=(-R[i][f])%p
        basis.append(v)
    return basis
def intersect(U,W,n):
    # U,W lists of basis vectors; solve a*U = b*W
    if not U or not W: return []
    A=[[U[k][i] for k in range(len(U))]+[(-W[k][i])%p for k in range(len(W))] for i in range(n)]
    ker=kernel(A,len(U)+len(W))
    vs=[[sum(c[k]*U[k][i] for k in range(len(U)))%p for i in range(n)] for c in ker]
    return rref(vs)[0] if vs else []
# polynomials: list of coeffs low->high
def ptrim(a):
    while a and a[-1]%p==0: a.pop()
    return a
def pmod(a,m):
    a=[x%p for x in a]; ptrim(a); m=ptrim([x%p for x in m])
    inv=pow(m[-1],p-2,p)
    while len(a)>=len(m):
        f=a[-1]*inv%p; s=len(a)-len(m)
        for i in range(len(m)): a[s+i]=(a[s+i]-f*m[i])%p
        ptrim(a)
    return a
def pmul(a,b):
    r=[0]*(len(a)+len(b)-1) if a and b else []
    for i,x in enumerate(a):
        if x:
            for j,y in enumerate(b): r[i+j]=(r[i+j]+x*y)%p
    return r
def ppowmod(b,e,m):
    r=[1]; b=pmod(b,m)
    while e:
        if e&1: r=pmod(pmul(r,b),m)
        b=pmod(pmul(b,b),m); e>>=1
    return r
def pgcd(a,b):
    a=ptrim([x%p for x in a]); b=ptrim([x%p for x in b])
    while b: a,b=b,pmod(a,b)
    if a: inv=pow(a[-1],p-2,p); a=[x*inv%p for x in a]
    return a
def charpoly(A):
    # Hessenberg reduction then recurrence
    n=len(A); H=[r[:] for r in A]
    for m in range(1,n-1):
        piv=None
        for i in range(m,n):
            if H[i][m-1]%p: piv=i;break
        if piv is None: continue
        if piv!=m:
            H[piv],H[m]=H[m],H[piv]
            for r in H: r[piv],r[m]=r[m],r[piv]
        inv=pow(H[m][m-1],p-2,p)
        for i in range(m+1,n):
            u=H[i][m-1]*inv%p
            if u:
                H[i]=[(x-u*y)%p for x,y in zip(H[i],H[m])]
                for r in H: r[m]=(r[m]+u*r[i])%p
    # recurrence: p_0=1, p_k(x) = (x-h_kk) p_{k-1} - sum ...
    polys=[[1]]
    for k in range(1,n+1):
        pk=pmul([(-H[k-1][k-1])%p,1],polys[k-1])
        prod=1
        for i in range(1,k):
            prod=prod*H[k-i][k-i-1]%p
            c=prod*H[k-i-1][k-1]%p
            q=polys[k-i-1]
            for j,x in enumerate(q): pk[j]=(pk[j]-c*x)%p
        polys.append(pk)
    return polys[n]
def roots(f):
    f=ptrim([x%p for x in f])
    g=pgcd(ppowmod([0,1],p,f) + [], f) if len(f)>1 else [1]
    xp=ppowmod([0,1],p,f); h=xp+[0]*max(0,2-len(xp)); h[1]=(h[1]-1)%p
    g=pgcd(f,ptrim(h))
    out=[]
    def split(g):
        if len(g)<=1: return
        if len(g)==2: out.append((-g[0])*pow(g[1],p-2,p)%p); return
        while True:
            a=random.randrange(p)
            w=ppowmod([a,1],(p-1)//2,g); w=w+[0]*max(0,1-len(w)); w[0]=(w[0]-1)%p
            d=pgcd(g,ptrim(w))
            if 1<len(d)<len(g):
                split(d)
                q=pdiv(g,d); split(q); return
    split(g); return out
def pdiv(a,m):
    a=[x%p for x in a]; ptrim(a); inv=pow(m[-1],p-2,p); q=[0]*(len(a)-len(m)+1)
    while len(a)>=len(m):
        f=a[-1]*inv%p; s=len(a)-len(m); q[s]=f
        for i in range(len(m)): a[s+i]=(a[s+i]-f*m[i])%p
        ptrim(a)
    return q
def I(t): return [[int(i==j) for j in range(t)] for i in range(t)]
def alg1(M,t):
    pw=[None,M]
    for k in range(2,t+2): pw.append(matmul(pw[-1],M))
    for i in range(1,t):
        Mi=pw[i]
        e=Mi[0][0]
        if all(Mi[a][b]==(e if a==b else 0) for a in range(t) for b in range(t)): return (False,1)
        if i==1: S=[[int(j==k) for j in range(t)] for k in range(1,t)]
        else:
            rows=[pw[k+1][0][1:] for k in range(0,i-1)]
            S=[[0]+v for v in kernel(rows,t-1)]
        bv=[]
        for mu in roots(charpoly(Mi)):
            E=kernel([[ (Mi[a][b]-(mu if a==b else 0))%p for b in range(t)] for a in range(t)],t)
            bv+=intersect(S,E,t)
        d=rank(bv) if bv else 0
        if d>=1 and d!=t: return (False,2)
        rs=rank(S)
        for j in range(1,i+1):
            img=[matvec(pw[j],b) for b in S]
            if rank(S+img)==rs and rank(img)==rs: return (False,3)
    return (True,0)
def alg2(M,t):
    basis=[[int(j==0) for j in range(t)]]; v=basis[0]; d=1
    while True:
        v=matvec(M,v); basis.append(v); nd=rank(basis)
        if nd==t: return True
        if nd<=d: return False
        d=nd
def alg3(M,t):
    Mr=M
    for r in range(2,4*t+1):
        Mr=matmul(Mr,M)
        if not alg2(Mr,t): return False
    return True
def gen_matrix(t,rf,rp,n=254):
    g=Grain(1,0,n,t,rf,rp)
    for _ in range((rf+rp)*t): g.field(n,p)
    cand=0; over=0
    while True:
        while True:
            raw=[g.bits(n) for _ in range(2*t)]; over+=sum(r>=p for r in raw)
            xy=[r%p for r in raw]
            if len(set(xy))==2*t: break
        xs,ys=xy[:t],xy[t:]
        if any((x+y)%p==0 for x in xs for y in ys): cand+=1; continue
        M=[[pow((xs[i]+ys[j])%p,p-2,p) for j in range(t)] for i in range(t)]
        cand+=1
        r1=alg1(M,t); r2=alg2(M,t); r3=alg3(M,t)
        if r1[0] and r2 and r3: return M,cand,over
        print('  t',t,'candidate',cand,'rejected',r1,r2,r3,flush=True)
if __name__ == '__main__':
    for arg in sys.argv[1:]:
        t, rp = map(int, arg.split(':'))
        t0 = time.time()
        M, cand, over = gen_matrix(t, 8, rp)
        print(f't={t} R_P={rp}: candidate #{cand} accepted, M[0][0]={M[0][0]:#x} ({time.time() - t0:.1f} s)',
              flush=True)
