

def test_assignment_to_a_member_of_a_parenthesised_command():
    from hvshell.lang import ast
    from hvshell.lang.parser import parse
    statement = parse("(Get-ClusterGroup WEB01).AntiAffinityClassNames = 'SQL'").body.end.statements[0]
    assert isinstance(statement, ast.Assignment)
    assert isinstance(statement.target, ast.MemberAccess)
    assert statement.target.member == "AntiAffinityClassNames"
